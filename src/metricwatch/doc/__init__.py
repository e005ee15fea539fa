"""The document model (ground floor, no domain): typed blocks (`blocks`), escaped HTML pieces
(`html`), literal Markdown (`markdown`), plotly-safe text (`plot_text`) and the one table model
(`table`) with its renderers (`table_html`, `table_rich`, `table_text`: CSV and Markdown). Parts
build their sections and tables with it; the report, the CLI and the exports render them. It
knows statuses only as the vocabulary's glyphs, colours and CSS names, never a part or a result."""
