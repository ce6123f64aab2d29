"""Running Samspil: the health check, the worker's heartbeat, structured logs."""
