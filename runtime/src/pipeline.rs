//! The one path every call takes, read top to bottom in `Client::run`:
//!
//! **build** the request (validated, no I/O) → **sign** it (credentials; fetching an
//! access token is auth's one I/O) → **send** it → **classify** the answer (auth's 401
//! rule: one resend with fresh credentials; then the retry rule) → **wait** before a retry
//! → **finish** (read and decode the answer; only this step is typed).
//!
//! Typed endpoints and [`RawCall`](crate::raw::RawCall)s enter it the same way, as a [`Call`];
//! `send_full`, `download` and the page walker each exist once above it.
//!
//! The pipeline is an `async fn` over `Io`, the three things it waits for (an answer, a
//! token, a pause), so that one copy of it serves every way of waiting. The blocking API
//! drives it with `Blocking`, whose waits block the calling thread and return at once,
//! through `block_on`, which therefore polls it once.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::auth::oauth::{AccessToken, TokenManager};
use crate::client::Client;
use crate::endpoint::{Endpoint, EndpointInfo};
use crate::error::Error;
use crate::options::RequestOptions;
use crate::request::{Outgoing, RequestContext};
use crate::retry::{Attempts, Next};
use crate::transport::{Body, Deadlines};

/// One operation's request, built for each attempt: what the client sends. Typed
/// endpoints (every [`Endpoint`]) and [`RawCall`](crate::raw::RawCall)s are calls.
pub trait Call {
    /// The operation.
    fn info(&self) -> &'static EndpointInfo;

    /// Validates the call and builds its request for `context`, with `options`: no I/O.
    ///
    /// # Errors
    /// [`Error::Validation`] with every violation; [`Error::Request`] when the request
    /// cannot be built.
    fn build_request(
        &self,
        context: &RequestContext,
        options: &RequestOptions,
    ) -> Result<http::Request<Vec<u8>>, Error>;
}

impl<E: Endpoint> Call for E {
    fn info(&self) -> &'static EndpointInfo {
        &E::INFO
    }

    fn build_request(
        &self,
        context: &RequestContext,
        options: &RequestOptions,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        crate::request::build_request(self, context, options)
    }
}

/// What the pipeline waits for. Each way of waiting (blocking the thread, awaiting on a
/// runtime) implements it once.
pub(crate) trait Io {
    /// Sends `request` (credentials on) and hands back the answer, its body to stream.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> impl Future<Output = Result<http::Response<Body>, Error>>;

    /// An access token from `tokens`, fetched if need be by `deadlines.end`.
    fn token(
        &self,
        tokens: &TokenManager,
        deadlines: &Deadlines,
    ) -> impl Future<Output = Result<AccessToken, Error>>;

    /// Waits `wait` before the next attempt.
    fn sleep(&self, wait: Duration) -> impl Future<Output = ()>;
}

/// Waiting by blocking the calling thread: each method does its work and is ready.
pub(crate) struct Blocking<'c> {
    pub(crate) client: &'c Client,
}

impl Io for Blocking<'_> {
    // Sent at once, not as an `async fn`: that would copy the request into its state
    // first.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> impl Future<Output = Result<http::Response<Body>, Error>> {
        std::future::ready(self.client.roundtrip_streaming(request, deadlines))
    }

    async fn token(
        &self,
        tokens: &TokenManager,
        deadlines: &Deadlines,
    ) -> Result<AccessToken, Error> {
        tokens.token(&|r| self.client.roundtrip(r, deadlines), deadlines.end)
    }

    async fn sleep(&self, wait: Duration) {
        std::thread::sleep(wait);
    }
}

/// Runs `future` on the calling thread: polled once for a [`Blocking`] pipeline, whose
/// waits are all ready; a future that is not is polled again when woken.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    thread_local! {
        // One waker per thread, made on its first call: every call would otherwise
        // allocate one that a `Blocking` pipeline never wakes.
        static WAKER: Waker = Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    }
    let mut future = pin!(future);
    let mut run = |waker: &Waker| {
        let mut context = Context::from_waker(waker);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
            std::thread::park();
        }
    };
    match WAKER.try_with(|waker| run(waker)) {
        Ok(output) => output,
        // The thread is being torn down (a call from another thread-local's destructor).
        Err(_) => run(&Waker::from(std::sync::Arc::new(Unpark(
            std::thread::current(),
        )))),
    }
}

impl Client {
    /// The pipeline: `call` under `options`, each attempt's answer handed to `finish`
    /// (read and decoded; a failure there is classified like any other), blocking.
    pub(crate) fn run<T>(
        &self,
        call: &dyn Call,
        options: &RequestOptions,
        finish: impl FnMut(http::Response<Body>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        // Pinned where it is made: `block_on` is handed a pointer, not the whole future
        // (every state of the pipeline) to copy.
        block_on(std::pin::pin!(self.run_with(
            &Blocking { client: self },
            call,
            options,
            finish
        )))
    }

    /// [`run`](Self::run), waiting through `io`.
    pub(crate) async fn run_with<T>(
        &self,
        io: &impl Io,
        call: &dyn Call,
        options: &RequestOptions,
        mut finish: impl FnMut(http::Response<Body>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let info = call.info();
        // Refused before any I/O: a version past its sunset.
        self.check_sunset(info, options)
            .map_err(|e| self.scrub(e))?;
        // Build: the first attempt sends the request built here; a later one (a retry, a
        // resend after a 401) builds it again.
        let context = self.context();
        let first = call
            .build_request(context, options)
            .map_err(|e| self.scrub(e))?;
        let again = || call.build_request(context, options);
        let requests = Outgoing::new(first, &again);
        let policy = options.retry.as_ref().unwrap_or(self.retry_policy());
        let mut attempts = Attempts::start(policy, options.idempotent || info.may_repeat());
        // The first attempt starts with the call; a later one after its wait.
        let mut now = attempts.started();
        loop {
            let deadlines = self.deadlines_for(options, attempts.budget_end(), now);
            // Sign, send, and auth's 401 rule.
            let answer = self.attempt(io, &requests, &deadlines).await;
            // Finish: read and decode.
            let outcome = answer.and_then(|response| {
                self.note_retirement(info.type_name, response.headers());
                finish(response)
            });
            // Classify by the retry rule, and wait.
            match attempts.after(outcome) {
                Next::Done(value) => return Ok(value),
                Next::Wait(wait) => {
                    io.sleep(wait).await;
                    now = std::time::Instant::now();
                }
                Next::Fail(error) => return Err(self.failed(error, info, options)),
            }
        }
    }

    /// One attempt: the next request of `requests` signed, sent and answered; a 401 that
    /// asks for fresh credentials (an expired access token, a stale Digest nonce) is
    /// answered once, with the next request, not counted as an attempt.
    pub(crate) async fn attempt(
        &self,
        io: &impl Io,
        requests: &Outgoing<'_>,
        deadlines: &Deadlines,
    ) -> Result<http::Response<Body>, Error> {
        let auth = self.authenticator();
        let mut refreshed = false;
        loop {
            let mut request = requests.next()?;
            let token = match auth.tokens() {
                Some(tokens) => Some(io.token(tokens, deadlines).await?),
                None => None,
            };
            auth.sign(&mut request, token.as_ref())?;
            let response = io.send(request, deadlines).await?;
            log::debug!("answered {}", response.status().as_u16());
            if !refreshed && auth.refresh_after(&response, token.as_ref()) {
                refreshed = true;
                response.into_body().discard();
                continue;
            }
            return Ok(response);
        }
    }
}
