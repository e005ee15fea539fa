-- Stands for Quarto's notebook-to-Markdown step for a non-HTML format (Typst), so that Pandoc
-- alone renders an executed notebook as Quarto would:
-- 1. each output keeps ONE representation, in Quarto's order for non-HTML formats
--    (src/core/jupyter/display-data.ts: text/markdown, image/svg+xml, image/png, image/jpeg,
--    text/html only when it holds a <table>, then text/plain);
-- 2. Markdown outputs are read as Markdown (Quarto writes them into its .md verbatim);
-- 3. raw HTML tables are read into real tables (Quarto's astpipeline.lua does pandoc.read);
-- 4. code is not shown (`echo: false` in _quarto.yml);
-- 5. a first raw cell holding YAML front matter sets the document's metadata (title, lang).
-- Run Pandoc with --ipynb-output=all so every representation reaches this filter.
local function kind(block)
  if block.t == "RawBlock" and block.format == "markdown" then return "markdown" end
  if block.t == "Figure" or (block.t == "Para" and #block.content == 1
      and block.content[1].t == "Image") then return "image" end
  if block.t == "RawBlock" and block.format == "html" then
    if block.text:lower():find("<table") then return "table" end
    return "html"
  end
  if block.t == "CodeBlock" then return "plain" end
  return "other"
end

local RANK = { markdown = 1, image = 2, table = 3, plain = 4 }

local function parse_tables(blocks)
  return blocks:walk({
    RawBlock = function(raw)
      if raw.format == "html" and raw.text:lower():find("<table") then
        return pandoc.read(raw.text, "html+raw_html").blocks
      end
    end,
  })
end

local function output(div)
  local best, best_rank = nil, math.huge
  for _, block in ipairs(div.content) do
    local rank = RANK[kind(block)]
    if rank and rank < best_rank then best, best_rank = block, rank end
  end
  if best == nil then div.content = {} return div end
  if kind(best) == "markdown" then
    div.content = parse_tables(pandoc.read(best.text, "markdown").blocks)
  elseif kind(best) == "table" then
    div.content = pandoc.read(best.text, "html+raw_html").blocks
  else
    div.content = { best }
  end
  return div
end

local function cell(div)
  if div.classes:includes("code") then  -- drop the input, keep the outputs
    div.content = div.content:filter(function(b) return b.t ~= "CodeBlock" end)
  end
  return div
end

function Pandoc(doc)
  local first = doc.blocks[1]
  if first and first.t == "Div" and first.classes:includes("raw") then
    local raw = first.content[1]
    if raw and raw.t == "RawBlock" and raw.text:match("^%-%-%-\n") then
      for key, value in pairs(pandoc.read(raw.text, "markdown").meta) do
        doc.meta[key] = value
      end
      doc.blocks:remove(1)
    end
  end
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      if div.classes:includes("output") then return output(div) end
      if div.classes:includes("cell") then return cell(div) end
    end,
  })
  return doc
end
