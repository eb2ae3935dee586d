//! HTTP API and web UI. STUB.
