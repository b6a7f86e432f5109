//! A short memory of bearer tokens this instance has just authenticated.
//!
//! Contract: an entry answers for at most [`FRESH_FOR`] of platform time after the database
//! said yes; after that the token is looked up again. Logging out and disabling an account
//! forget the affected entries on this instance at once. Another instance of the platform may
//! therefore honour a revoked token or a disabled account for up to two seconds — the price of
//! taking a join off every request of the query hot path (DESIGN §10 throughput bar), and the
//! same bound API gateways put on cached token introspection. A token's own expiry is checked
//! on every use. Only keyed token hashes are held, never tokens.

use super::Actor;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

pub const FRESH_FOR: TimeDelta = TimeDelta::seconds(2);
/// Far above the live tokens of any municipal deployment; when full, the memory starts over.
const CAPACITY: usize = 50_000;

struct Remembered {
    actor: Actor,
    token_expires_at: NaiveDateTime,
    checked_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct TokenCache(Mutex<HashMap<[u8; 32], Remembered>>);

impl TokenCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Remembered>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The actor behind `hash` if the database confirmed it within `FRESH_FOR` and the token
    /// has not expired since.
    pub fn get(&self, hash: &[u8; 32], now: DateTime<Utc>) -> Option<Actor> {
        let entries = self.entries();
        let hit = entries.get(hash)?;
        let fresh = now >= hit.checked_at && now - hit.checked_at < FRESH_FOR;
        (fresh && hit.token_expires_at > now.naive_utc()).then(|| hit.actor.clone())
    }

    pub fn remember(&self, hash: [u8; 32], actor: &Actor, token_expires_at: NaiveDateTime, now: DateTime<Utc>) {
        let mut entries = self.entries();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(hash, Remembered { actor: actor.clone(), token_expires_at, checked_at: now });
    }

    pub fn forget_token(&self, hash: &[u8; 32]) {
        self.entries().remove(hash);
    }

    pub fn forget_account(&self, account_id: &str) {
        self.entries().retain(|_, r| r.actor.account_id != account_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn actor(id: &str) -> Actor {
        Actor { account_id: id.into(), role: Role::Requester, organization_id: None, subject_id: None }
    }

    #[test]
    fn an_entry_answers_only_while_fresh_and_unexpired_and_until_forgotten() {
        let cache = TokenCache::default();
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let expires = (now + TimeDelta::hours(1)).naive_utc();
        cache.remember([1; 32], &actor("a"), expires, now);
        cache.remember([2; 32], &actor("b"), expires, now);
        assert_eq!(cache.get(&[1; 32], now + TimeDelta::milliseconds(1999)), Some(actor("a")));
        assert_eq!(cache.get(&[1; 32], now + FRESH_FOR), None, "stale entries are looked up again");
        assert_eq!(cache.get(&[1; 32], now - TimeDelta::seconds(1)), None, "a clock moved back is not trusted");
        assert_eq!(cache.get(&[3; 32], now), None);
        cache.remember([1; 32], &actor("a"), now.naive_utc(), now);
        assert_eq!(cache.get(&[1; 32], now), None, "an expired token is never answered from memory");
        cache.remember([1; 32], &actor("a"), expires, now);
        cache.forget_account("a");
        assert_eq!(cache.get(&[1; 32], now), None);
        assert_eq!(cache.get(&[2; 32], now), Some(actor("b")));
        cache.forget_token(&[2; 32]);
        assert_eq!(cache.get(&[2; 32], now), None);
    }
}
