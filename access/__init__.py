"""The base layer's one answer to "who may see or act on what" (see ``access.rules``)."""
