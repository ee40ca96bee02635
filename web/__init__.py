"""The resident's cabinet and the back office: server-rendered pages over the public gateway API."""
