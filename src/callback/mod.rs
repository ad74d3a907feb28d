//! Khipu POSTs the result of an asynchronous request (one made with a CallbackUrl) to that URL,
//! with the same body as the operation's synchronous 200 answer. [`parse`] turns it into the same
//! [`Reply`] the synchronous call gives, so a webhook handler is three lines:
//!
//! ```
//! use khipu::model::TransactionsData;
//! # fn handle(body: &[u8]) -> Result<(), khipu::Error> {
//! let reply = khipu::callback::parse::<TransactionsData>(body)?;
//! println!("{} transactions for operation {}", reply.items().len(), reply.operation_id());
//! # Ok(()) }
//! # handle(br#"{"OperationId":"x","Status":"OK","Data":{"Transaction":[]},"AdditionalInformation":null,"Error":null,"LifeSpan":null}"#).unwrap();
//! ```
//!
//! Khipu does not document a signature on callbacks: treat the body as a notice and match its
//! `OperationId` with one you sent, or let a [`CallbackHub`] do it: each request gets its own
//! unguessable URL, and [`CallbackHub::wait`] gives the result as the same [`Reply`].

mod hub;

pub use hub::{CallbackHub, CallbackStore, DEFAULT_WAIT, MemoryStore, Ticket};
use khipu_types::banking::{Container, Envelope};

use crate::error::{Context, Error, excerpt};
use crate::reply::Reply;

/// Parses a callback body holding `Data.<C::NAME>` (for example `TransactionsData`).
pub fn parse<C: Container>(body: &[u8]) -> Result<Reply<C::Item>, Error> {
    let context = Context::api("callback", C::NAME);
    let envelope: Envelope<C> = serde_json::from_slice(body).map_err(|e| Error::Decode {
        context: context.clone(),
        status: None,
        message: e.to_string(),
        excerpt: excerpt(body),
    })?;
    crate::reply::from_envelope(envelope, false, &context)
}
