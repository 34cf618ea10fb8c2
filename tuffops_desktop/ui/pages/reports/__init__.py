"""The Reports page: KPI tiles, charts, drill-down into lists, CSV and PDF export."""
