//! The embedded simulator of the whole operated system (placeholder until written).
