"""The clips panel and the ways to make clips: the jobs table (`jobs_model`, `progress_delegate`), creating clips
from the marks (`clip_creator`), delivering their URLs (`clip_delivery`) and the notices when they end.
May import the shared ``qt`` modules; never the window or another panel (the clip options reach it as a protocol)."""
