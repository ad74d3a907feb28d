//! `khipu subscriptions ...` and `khipu charges ...`: the Automatic Payments API (PAC).

use khipu::automatic_payments::{Client, NewCharge, NewSubscription};

use crate::Failure;
use crate::answer::{show, value};
use crate::args::{ChargesArgs, ChargesCommand, SubscriptionsArgs, SubscriptionsCommand};
use crate::setters::apply;
use crate::target::Target;

pub async fn subscriptions(
    target: &Target,
    args: &SubscriptionsArgs,
    json: bool,
) -> Result<(), Failure> {
    let client = Client::new(&target.automatic_payments()?)?;
    let answer = match &args.command {
        SubscriptionsCommand::Create(a) => {
            let mut subscription =
                NewSubscription::new(&a.name, &a.email, a.max_amount, &a.currency)
                    .notify_url(&a.notify_url)
                    .return_url(&a.return_url)
                    .cancel_url(&a.cancel_url);
            if let Some(max) = a.max_amount_per_charge {
                subscription = subscription.max_amount_per_charge(max);
            }
            let subscription = apply(
                subscription,
                [
                    (&a.service_reference, |s, v| s.service_reference(v)),
                    (&a.image_url, |s, v| s.image_url(v)),
                    (&a.description, |s, v| s.description(v)),
                ],
            );
            value(&client.subscribe(&subscription).await?)?
        }
        SubscriptionsCommand::Get { id } => value(&client.subscription(id).await?)?,
        SubscriptionsCommand::Cancel { id } => value(&client.cancel(id).await?)?,
    };
    show(&answer, json)
}

pub async fn charges(target: &Target, args: &ChargesArgs, json: bool) -> Result<(), Failure> {
    let client = Client::new(&target.automatic_payments()?)?;
    let answer = match &args.command {
        ChargesCommand::Create(a) => {
            let charge = NewCharge::new(&a.subscription_id, a.amount, &a.subject)
                .notify_url(&a.notify_url)
                .error_response_url(&a.error_response_url);
            let charge = apply(
                charge,
                [
                    (&a.body, |c, v| c.body(v)),
                    (&a.custom, |c, v| c.custom(v)),
                    (&a.transaction_id, |c, v| c.transaction_id(v)),
                ],
            );
            let charge = match &a.notify_api_version {
                Some(v) => charge.notify_api_version(v),
                None => charge,
            };
            value(&client.charge(&charge).await?)?
        }
    };
    show(&answer, json)
}
