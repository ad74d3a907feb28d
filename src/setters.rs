//! The builders' optional text setters (`NewPayment`, `NewSubscription`, `NewCharge`), written once.

/// One `pub fn field(self, impl Into<String>) -> Self` per listed optional `String` field, each
/// with the docs given before it.
macro_rules! text_setters {
    ($($(#[$doc:meta])* $field:ident),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.$field = Some(value.into());
            self
        }
    )*};
}

pub(crate) use text_setters;
