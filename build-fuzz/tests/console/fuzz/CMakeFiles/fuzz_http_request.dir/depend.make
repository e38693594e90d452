# Empty dependencies file for fuzz_http_request.
# This may be replaced when dependencies are built.
