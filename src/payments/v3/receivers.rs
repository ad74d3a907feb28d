//! The collection accounts (receivers) of an integrator, page by page, as one stream.

use futures_util::Stream;

use super::api::types;
use super::client::Client;
use crate::Call;
use crate::error::Error;

/// One of an integrator's collection accounts.
pub type Receiver = types::ReceiverGetReceiversReceiversItem;

impl Client {
    /// Every collection account of this integrator (a separately contracted feature), asking for
    /// `page_size` at a time (Khipu's default is 100), in a stable order (by id). Each page is a
    /// read, retried on 5xx; a page that fails ends the stream with its error.
    ///
    /// ```no_run
    /// # async fn run(client: khipu::payments::Client) -> Result<(), khipu::Error> {
    /// use futures_util::TryStreamExt;
    ///
    /// let receivers: Vec<_> = client.receivers(100).try_collect().await?;
    /// println!("{} collection accounts", receivers.len());
    /// # Ok(()) }
    /// ```
    pub fn receivers(&self, page_size: u32) -> impl Stream<Item = Result<Receiver, Error>> + '_ {
        let page_size =
            std::num::NonZeroU64::new(u64::from(page_size)).unwrap_or(std::num::NonZeroU64::MIN);
        let pages = futures_util::stream::unfold(Some(0u64), move |offset| async move {
            let offset = offset?;
            match self.receivers_page(offset, page_size).await {
                Ok(page) => {
                    let fetched = page.receivers.len() as u64;
                    let next = offset + fetched;
                    let more = fetched > 0 && i64::try_from(next).is_ok_and(|n| n < page.total);
                    let items: Vec<Result<Receiver, Error>> =
                        page.receivers.into_iter().map(Ok).collect();
                    Some((items, more.then_some(next)))
                }
                Err(e) => Some((vec![Err(e)], None)),
            }
        });
        futures_util::StreamExt::flat_map(pages, futures_util::stream::iter)
    }

    async fn receivers_page(
        &self,
        offset: u64,
        max: std::num::NonZeroU64,
    ) -> Result<types::ReceiverGetReceivers, Error> {
        self.api
            .get_receivers()
            .offset(offset)
            .max(max)
            .sort(types::GetReceiversSort::Id)
            .order(types::GetReceiversOrder::Asc)
            .call()
            .await
    }
}
