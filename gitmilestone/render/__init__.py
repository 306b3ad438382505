"""Model -> lines or documents. The command decides where they go."""
