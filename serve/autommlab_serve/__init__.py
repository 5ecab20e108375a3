"""Ray Serve applications: `llm_app`, the RU-LLaMA / HPO-LLaMA endpoint (`autommlab llm
serve`). The gateway is a later issue."""
