"""The customer chat gateway: signs customers in, forwards their messages to Rasa, serves the web chat."""
