"""The reports as files to download: CSV, XLSX and the PDF report pack."""
