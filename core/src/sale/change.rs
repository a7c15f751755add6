//! The change due (tiền thừa trả khách): the one computation the payment
//! screen, the printed receipt, `ocop-till sell` and the shift reports use.
//!
//! The change is a property of the whole sale, not of one payment: what the
//! customer handed over in cash, over every cash payment, minus what cash
//! settles of the total (the cash payments' amounts, which is also what
//! stays in the drawer). Paid 775.000 ₫ with 500.000 and another 500.000,
//! the customer gets 225.000 back, whichever payment the till wrote it on.
//! Card and bank-transfer payments never give change and never reduce it;
//! a transfer still pending is not money received, so it settles nothing
//! here (it is not cash) and cannot turn into change.
//!
//! Guarantees: on a sale that passed [`super::verify`] the change equals
//! the sum of the cash payments' own `change` fields and is never
//! negative; a cash payment handing over less than its amount is refused
//! ([`SaleError::CashTenderedTooLow`]) rather than giving negative change.

use serde::Serialize;

use super::model::{Payment, PaymentMethod, Sale};
use super::totals::SaleError;
use crate::money::{Dong, MoneyError};

/// The cash side of a sale, as the customer saw it at the counter.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
pub struct CashTender {
    /// Σ tendered of the cash payments (tiền khách đưa); zero without cash.
    pub handed_over: Dong,
    /// Σ amount of the cash payments: what cash settles of the total, and
    /// what stays in the drawer.
    pub settles: Dong,
    /// `handed_over − settles` (tiền thừa trả khách).
    pub change: Dong,
}

impl CashTender {
    /// The cash side of `payments`, in any order.
    pub fn of(payments: &[Payment]) -> Result<CashTender, SaleError> {
        let overflow = || SaleError::Money(MoneyError::Overflow);
        let mut handed_over = Dong::ZERO;
        let mut settles = Dong::ZERO;
        for (index, p) in payments.iter().enumerate() {
            let PaymentMethod::Cash { tendered, .. } = &p.method else {
                continue;
            };
            if *tendered < p.amount {
                return Err(SaleError::CashTenderedTooLow {
                    index,
                    amount: p.amount,
                    tendered: *tendered,
                });
            }
            handed_over = handed_over.checked_add(*tendered).ok_or_else(overflow)?;
            settles = settles.checked_add(p.amount).ok_or_else(overflow)?;
        }
        Ok(CashTender {
            handed_over,
            settles,
            change: handed_over.checked_sub(settles).ok_or_else(overflow)?,
        })
    }

    /// Whether the customer handed over any cash (the receipt then prints
    /// what was handed over).
    pub fn paid_in_cash(&self) -> bool {
        self.handed_over.is_positive()
    }
}

impl Sale {
    /// The sale's cash side: handed over, settled, change due
    /// ([`CashTender::of`] its payments).
    pub fn cash_tender(&self) -> Result<CashTender, SaleError> {
        CashTender::of(&self.payments)
    }
}

#[cfg(test)]
pub(crate) mod tests;
