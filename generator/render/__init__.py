"""Output: the render stage (stage) renders pages with the templates (pages), makes share cards and the search
index (search, in Pagefind's format: pagefind), and the writer puts the whole output in place at once (writer).
Link checking of a built site (links) reads what it wrote."""
