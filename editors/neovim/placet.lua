-- Placet for Neovim: `.placet` files as their own filetype, and `placet lsp` for them and for
-- Placet manifests (YAML, JSON, XML). Put this file on your runtimepath (e.g. ~/.config/nvim/plugin/placet.lua).
vim.filetype.add({ extension = { placet = "placet" } })
vim.api.nvim_create_autocmd("FileType", {
  pattern = "placet",
  callback = function() vim.bo.commentstring = "# %s" end,
})

local settings = {
  placet = {
    inventory = nil, -- e.g. "policies/examples/acme": the "fires on N placements" lenses
    asOf = nil,      -- e.g. "2028-01-01"; default today
  },
}

if vim.lsp.config then
  -- Neovim 0.11 and later.
  vim.lsp.config("placet", {
    cmd = { "placet", "lsp" },
    filetypes = { "placet", "yaml", "json", "xml" },
    root_markers = { "policies", ".git" },
    init_options = settings.placet,
    settings = settings,
  })
  vim.lsp.enable("placet")
else
  -- nvim-lspconfig on earlier versions.
  local configs = require("lspconfig.configs")
  if not configs.placet then
    configs.placet = {
      default_config = {
        cmd = { "placet", "lsp" },
        filetypes = { "placet", "yaml", "json", "xml" },
        root_dir = require("lspconfig.util").root_pattern("policies", ".git"),
        init_options = settings.placet,
        settings = settings,
      },
    }
  end
  require("lspconfig").placet.setup({})
end
