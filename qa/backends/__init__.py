"""Answer backends: the offline extractive answerer and LLM chat backends."""
