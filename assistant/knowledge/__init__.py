"""Knowledge retrieval: approved articles, split and embedded, searched with FAISS, quoted as written."""
