"""autommlab."""
