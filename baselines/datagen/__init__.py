"""Synthetic Chisel instruction data: jinja templates following the seed's curriculum, every sample
verified on the reflect_env worker pool before it is written."""
