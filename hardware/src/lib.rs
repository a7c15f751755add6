//! ocop-hardware
