"""asyncio orchestration: credentials, clip submission, polling, rate budget."""
