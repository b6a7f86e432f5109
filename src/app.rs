//! The application as a value: `Application::build(settings)` prepares everything (data folder,
//! master key, database and migrations, key bootstrap, first admin, policies) and binds the
//! listener, and starts the background jobs beside it (the outbox sender, unless
//! `mail.sender_enabled` is off); `run_until_stopped` serves until a shutdown signal, then stops
//! the jobs. Port 0 lets tests run many.

use crate::config::Settings;
use crate::notify::{Mailer, sender};
use crate::workflow::clock::{Clock, SystemClock};
use crate::workflow::{Platform, bootstrap};
use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

pub struct Application {
    port: u16,
    server: Server,
    platform: Platform,
    jobs: Vec<tokio::task::JoinHandle<()>>,
    sender: Option<sender::SenderHandle>,
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with_clock(settings, Arc::new(SystemClock))
    }

    /// As `build`, with the clock injected (tests move time instead of sleeping).
    pub fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        Self::build_with(settings, clock, |_| {})
    }

    /// As `build_with_clock`, mounting `extra` routes beside the platform's (the HTTP load
    /// benchmark mounts its unprotected baseline endpoint this way; production mounts none).
    pub fn build_with(
        settings: Settings,
        clock: Arc<dyn Clock>,
        extra: fn(&mut web::ServiceConfig),
    ) -> anyhow::Result<Application> {
        let platform = bootstrap::prepare(settings, clock)?;
        let listener = TcpListener::bind(&platform.settings.server.listen)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", platform.settings.server.listen))?;
        let port = listener.local_addr()?.port();
        let data = web::Data::new(platform.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::<crate::web::request_span::PathOnlySpan>::new())
                .app_data(data.clone())
                .configure(crate::web::configure)
                .configure(extra)
                .default_service(web::to(crate::web::error::not_found))
        })
        .listen(listener)?;
        if platform.settings.server.workers > 0 {
            server = server.workers(platform.settings.server.workers);
        }
        let server = server.shutdown_timeout(10).run();
        let jobs = vec![
            crate::jobs::spawn_every(
                "retention",
                std::time::Duration::from_secs(3600),
                platform.clone(),
                crate::jobs::retention::run_once,
            ),
            crate::jobs::spawn_every(
                "deadlines",
                crate::jobs::deadlines::INTERVAL,
                platform.clone(),
                crate::jobs::deadlines::run_once,
            ),
            crate::jobs::spawn_every(
                "checkpoint_mail",
                crate::jobs::checkpoint_mail::INTERVAL,
                platform.clone(),
                crate::jobs::checkpoint_mail::run_once,
            ),
            crate::jobs::spawn_every(
                "query_volume",
                crate::jobs::query_volume::INTERVAL,
                platform.clone(),
                crate::jobs::query_volume::run_once,
            ),
        ];
        tracing::info!(port, backend = platform.db.backend().as_str(), "listening");
        let sender = Self::start_sender(&platform)?;
        Ok(Application { port, server, platform, jobs, sender })
    }

    /// The mailer is built here, not in the job, so a bad mail configuration stops start-up.
    fn start_sender(platform: &Platform) -> anyhow::Result<Option<sender::SenderHandle>> {
        let settings = &platform.settings.mail;
        if !settings.sender_enabled {
            return Ok(None);
        }
        let mailer = Mailer::from_settings(settings, &platform.settings.data_dir)
            .map_err(|e| anyhow::anyhow!("cannot set up e-mail: {e}"))?;
        let handle = sender::spawn(Arc::new(platform.clone()), mailer)
            .map_err(|e| anyhow::anyhow!("cannot start the outbox sender: {e}"))?;
        Ok(Some(handle))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// Serves until SIGINT/SIGTERM (actix handles both with a graceful drain), then stops the
    /// sender (letting the message in flight finish) and lets the access-log writer commit what
    /// is queued and sign a last checkpoint. Dropping this future also stops it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        for job in self.jobs {
            job.abort();
        }
        if let Some(sender) = self.sender {
            // Joining waits for one SMTP exchange at most; keep it off the async thread.
            let _ = actix_web::rt::task::spawn_blocking(move || sender.stop()).await;
        }
        self.platform.audit.shutdown();
        result
    }
}
