//! CloudFront access logs: W3C format and the deterministic log generator.
