//! Creates a database user with `readWriteAnyDatabase`, its password from
//! `DB_USER_PASSWORD` (or a random one, shown nowhere).
//!
//! ```sh
//! cargo run --example create_database_user                      # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_PROJECT_ID=… \
//!     DB_USER_PASSWORD=… cargo run --example create_database_user -- app  # in your project
//! ```

mod common;

use atlas_endpoints::database_users::{
    CloudDatabaseUserDatabaseName as AuthDb, CreateGroupDatabaseUser,
    CreateGroupDatabaseUserRequired as Required, DatabaseUserRole,
    DatabaseUserRoleRoleName as Role,
};
use atlas_endpoints::shared::SentSecret;

fn main() -> common::Result {
    let atlas = common::connect()?;
    let project = atlas.project_id()?;
    let username = std::env::args().nth(1).unwrap_or("app".into());
    let password = match std::env::var("DB_USER_PASSWORD") {
        Ok(password) => password,
        Err(_) => common::random_password()?,
    };

    let role = DatabaseUserRole {
        database_name: "admin".into(),
        role_name: Role::ReadWriteAnyDatabase,
        collection_name: None,
    };
    // Four required values, so `new` takes them by name; the body's project id comes from
    // the path.
    let user = CreateGroupDatabaseUser::new(Required {
        group_id: project.into(),
        database_name: AuthDb::Admin,
        roles: vec![role],
        username,
    })
    .password(SentSecret::from(password))
    .send(&atlas.client)?;

    let role = user.roles[0].role_name.as_str();
    println!("created database user {} with role {role}", user.username);
    Ok(())
}
