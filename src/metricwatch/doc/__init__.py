"""The document model (ground floor, no domain): typed blocks (`blocks`), escaped HTML pieces
(`html`), literal Markdown (`markdown`) and plotly-safe text (`plot_text`). Parts build their
sections with it; the report renders them. It knows statuses only as the vocabulary's glyphs
and CSS names, never a part or a result."""
