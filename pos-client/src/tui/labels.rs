//! The "print labels" key (F8 on the sale screen): asks for the lot, how
//! many labels, and a manager's (or admin's) account and password (shown
//! as dots), then issues and prints them through the same code as
//! `ocop-till labels print` ([`issue_and_print`]), on the interface's
//! printer. The password is used for this one request and not kept.

use super::{App, Prompt, text};
use crate::labels::{LabelOutput, issue_and_print};
use crate::tui::widgets::PrinterState;

impl App {
    pub(super) fn start_labels(&mut self) {
        self.prompt = Some((Prompt::LabelLot, String::new()));
    }

    pub(super) fn label_lot(&mut self, typed: &str) {
        match typed.parse::<i32>() {
            Ok(lot) if lot > 0 => self.prompt = Some((Prompt::LabelCount { lot }, String::new())),
            _ => self.say(text::BAD_LABEL_LOT),
        }
    }

    pub(super) fn label_count(&mut self, lot: i32, typed: &str) {
        match typed.parse::<i32>() {
            Ok(count) if (1..=1000).contains(&count) => {
                self.prompt = Some((Prompt::LabelUser { lot, count }, String::new()));
            }
            _ => self.say(text::BAD_LABEL_COUNT),
        }
    }

    pub(super) fn label_user(&mut self, lot: i32, count: i32, typed: &str) {
        if typed.is_empty() {
            return self.say(text::ASK_LABEL_USER);
        }
        self.prompt = Some((
            Prompt::LabelPassword {
                lot,
                count,
                username: typed.to_owned(),
            },
            String::new(),
        ));
    }

    pub(super) fn print_labels(&mut self, lot: i32, count: i32, username: &str, password: &str) {
        let output = match &self.printer {
            Some(p) => LabelOutput::Printer(p.printer.clone()),
            None => LabelOutput::TillPrinter,
        };
        match issue_and_print(&self.cfg, username, password, lot, count, &output, |_| {}) {
            Ok(done) => {
                self.printer_state = PrinterState::Printed;
                self.message = done;
            }
            // A refusal (wrong password, not a manager, unknown lot) reads
            // as the server's sentence, never its code.
            Err(e) => match e
                .chain()
                .find_map(|c| c.downcast_ref::<crate::server_api::SendError>())
            {
                Some(crate::server_api::SendError::Refused { message, .. }) => {
                    tracing::warn!(error = %format!("{e:#}"), "labels refused");
                    self.message = message.clone();
                }
                _ => self.say_error(&e),
            },
        }
    }
}
