//! Optional arguments onto a builder: each given `--flag value` through its setter.

/// One of a builder's optional text setters.
pub type Setter<T> = fn(T, &String) -> T;

/// `item` with each optional argument that was given set through its setter.
pub fn apply<T, const N: usize>(mut item: T, optional: [(&Option<String>, Setter<T>); N]) -> T {
    for (value, set) in optional {
        if let Some(v) = value {
            item = set(item, v);
        }
    }
    item
}
