//! Table definitions, kept by hand, in the portable types only (Text, Integer, BigInt, Bool,
//! Binary, Timestamp): the same schema serves SQLite and PostgreSQL.

diesel::table! {
    key_material (purpose) {
        purpose -> Text,
        kek_version -> Integer,
        wrapped -> Binary,
        created_at -> Timestamp,
        rewrapped_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    data_keys (id) {
        id -> Text,
        owner -> Text,
        kek_version -> Integer,
        wrapped -> Nullable<Binary>,
        created_at -> Timestamp,
        destroyed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    subjects (id) {
        id -> Text,
        kind -> Text,
        identifier_index -> Binary,
        identifier_cell -> Binary,
        name_cell -> Nullable<Binary>,
        email_cell -> Nullable<Binary>,
        data_key_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        email_index -> Binary,
        email_cell -> Binary,
        password_hash -> Text,
        role -> Text,
        organization_id -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        disabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Binary,
        account_id -> Text,
        kind -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (email_index, attempted_at) {
        email_index -> Binary,
        attempted_at -> Timestamp,
    }
}

// --- access log (audit/): never joined with the tables above, so not in the list below ---

diesel::table! {
    audit_entries (sequence) {
        sequence -> BigInt,
        at -> Timestamp,
        request_id -> Text,
        actor_account_id -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        role -> Text,
        action -> Text,
        purpose -> Nullable<Text>,
        authorization_id -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        record_ids -> Text,
        fields -> Text,
        decision -> Text,
        reason_code -> Nullable<Text>,
        policy_version -> Text,
        visible_to_subject_from -> Nullable<Timestamp>,
        prev_mac -> Binary,
        mac -> Binary,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        sequence -> BigInt,
        mac -> Binary,
    }
}

diesel::table! {
    audit_checkpoints (size) {
        size -> BigInt,
        head_mac -> Binary,
        at -> Timestamp,
        signature -> Binary,
        public_key_id -> Text,
    }
}

diesel::joinable!(subjects -> data_keys (data_key_id));
diesel::joinable!(accounts -> organizations (organization_id));
diesel::joinable!(accounts -> subjects (subject_id));
diesel::joinable!(api_tokens -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    key_material,
    data_keys,
    subjects,
    organizations,
    accounts,
    api_tokens,
    login_attempts,
);
