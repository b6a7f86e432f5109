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

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        locale -> Text,
        recipient_cell -> Binary,
        subject_cell -> Binary,
        body_cell -> Binary,
        data_key_id -> Text,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        attempts -> Integer,
        last_error_code -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        dedupe_key -> Nullable<Text>,
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

diesel::table! {
    records (id) {
        id -> Text,
        subject_id -> Text,
        provider_organization_id -> Text,
        record_type -> Text,
        category -> Text,
        disclosure_level -> Text,
        status -> Text,
        current_version -> Integer,
        current_version_id -> Text,
        conduct_started_on -> Nullable<Text>,
        conduct_ended_on -> Nullable<Text>,
        disclose_until -> Nullable<Text>,
        disputed -> Bool,
        suppressed -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    record_versions (id) {
        id -> Text,
        record_id -> Text,
        version -> Integer,
        change_kind -> Text,
        actor_account_id -> Nullable<Text>,
        reason_cell -> Nullable<Binary>,
        source_cell -> Binary,
        consent_cell -> Nullable<Binary>,
        created_at -> Timestamp,
        cells -> Nullable<Binary>,
    }
}

diesel::joinable!(records -> subjects (subject_id));
diesel::joinable!(records -> organizations (provider_organization_id));
diesel::joinable!(record_versions -> records (record_id));

diesel::table! {
    objections (id) {
        id -> Text,
        record_id -> Text,
        subject_id -> Text,
        provider_organization_id -> Text,
        record_version -> Integer,
        ground -> Text,
        fields -> Text,
        statement_cell -> Binary,
        status -> Text,
        version -> Integer,
        filed_on -> Text,
        accepted_on -> Nullable<Text>,
        due_on -> Nullable<Text>,
        due_calendar_version -> Nullable<Text>,
        due_estimated -> Bool,
        remind_on -> Nullable<Text>,
        reminded_at -> Nullable<Timestamp>,
        extension_used -> Bool,
        complex -> Bool,
        outcome -> Nullable<Text>,
        decided_on -> Nullable<Text>,
        review_until -> Nullable<Text>,
        review_due_on -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        review_escalated_at -> Nullable<Timestamp>,
        paused_working_days -> Integer,
    }
}

diesel::table! {
    objection_events (id) {
        id -> Text,
        objection_id -> Text,
        seq -> Integer,
        at -> Timestamp,
        kind -> Text,
        actor_role -> Text,
        actor_account_id -> Nullable<Text>,
        status_after -> Text,
        note_cell -> Nullable<Binary>,
    }
}

diesel::table! {
    objection_evidence (id) {
        id -> Text,
        objection_id -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        name_cell -> Binary,
        content_cell -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    record_annotations (id) {
        id -> Text,
        record_id -> Text,
        objection_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    record_statements (record_id) {
        record_id -> Text,
        subject_id -> Text,
        statement_cell -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(objections -> records (record_id));
diesel::joinable!(objection_events -> objections (objection_id));
diesel::joinable!(objection_evidence -> objections (objection_id));
diesel::joinable!(record_statements -> records (record_id));

diesel::table! {
    authorizations (id) {
        id -> Text,
        subject_id -> Text,
        organization_id -> Text,
        purpose -> Text,
        valid_until -> Text,
        evidence_cell -> Nullable<Binary>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_export_approvals (id) {
        id -> Text,
        requested_by -> Text,
        filter -> Text,
        requested_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        taken_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    formal_reports (id) {
        id -> Text,
        subject_id -> Text,
        year -> Integer,
        number -> Integer,
        issued_at -> Timestamp,
    }
}

diesel::joinable!(formal_reports -> subjects (subject_id));
diesel::joinable!(authorizations -> subjects (subject_id));
diesel::joinable!(authorizations -> organizations (organization_id));

// One list of every table, so that any two may be joined.
diesel::allow_tables_to_appear_in_same_query!(
    key_material,
    data_keys,
    subjects,
    organizations,
    accounts,
    api_tokens,
    login_attempts,
    records,
    record_versions,
    outbox,
    objections,
    objection_events,
    objection_evidence,
    record_annotations,
    record_statements,
    authorizations,
    audit_export_approvals,
    formal_reports,
);
