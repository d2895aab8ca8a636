using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <summary>
    /// The whole schema, with the triggers that tell portal instances of changes: what routes a push
    /// (<see cref="RoutingNotify"/>), what live pages show and what idle loops wait for (<see cref="LiveNotify"/>), and
    /// mail to send (<see cref="Mail.MailNotify"/>).
    /// </summary>
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<Guid>(type: "uuid", nullable: true),
                    ActorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    HostId = table.Column<Guid>(type: "uuid", nullable: true),
                    Action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Details = table.Column<string>(type: "text", nullable: true),
                    SourceAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Customers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Slug = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SuspendedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MaxHosts = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OutgoingMails",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Recipient = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Link = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AbandonedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutgoingMails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SignInThrottles",
                columns: table => new
                {
                    EmailKey = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    LastFailureAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInThrottles", x => x.EmailKey);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoleId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    GitLabUsername = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DisabledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "text", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUsers_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Hosts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ResourceKey = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    Plan = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    GitLabProjectId = table.Column<long>(type: "bigint", nullable: true),
                    GitLabProjectPath = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    GitLabHttpUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    GitLabDefaultBranch = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    GitLabTokenSecretArn = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    GitLabAutomates = table.Column<bool>(type: "boolean", nullable: false),
                    GitLabManualReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    GitLabInfrastructureFolder = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, defaultValue: "infrastructure"),
                    GitLabHookId = table.Column<long>(type: "bigint", nullable: true),
                    GitLabHookDue = table.Column<bool>(type: "boolean", nullable: false),
                    GitLabHookNextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    GitLabHookStatus = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    DatabaseEngine = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DatabaseInstanceClass = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    DatabaseStorageGb = table.Column<int>(type: "integer", nullable: false),
                    DatabaseMultiAz = table.Column<bool>(type: "boolean", nullable: false),
                    CustomDomain = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: true),
                    CertificateArn = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    DeploymentStyle = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    HealthCheckPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ApproverEmails = table.Column<List<string>>(type: "text[]", nullable: false),
                    MinInstances = table.Column<int>(type: "integer", nullable: true),
                    MaxInstances = table.Column<int>(type: "integer", nullable: true),
                    RequiredApprovals = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StateReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    WebhookTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    WebhookSigningVersion = table.Column<int>(type: "integer", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Hosts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Hosts_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Invitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    InvitedById = table.Column<Guid>(type: "uuid", nullable: true),
                    InvitedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Invitations_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ApiTokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Scopes = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    ProviderKey = table.Column<string>(type: "text", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    RoleId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "GitLabIdentities",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    GitLabUserId = table.Column<long>(type: "bigint", nullable: false),
                    Username = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    VerifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GitLabIdentities", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_GitLabIdentities_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MailPreferences",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    NonEssentialOptOut = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailPreferences", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_MailPreferences_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PasswordResets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PasswordResets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PasswordResets_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecoveryCodes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CodeHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecoveryCodes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecoveryCodes_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UserAuthenticators",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProtectedSecret = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastAcceptedStep = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserAuthenticators", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_UserAuthenticators_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UserSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndReason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SourceAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UserSessions_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ApprovalRuleChanges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    HostId = table.Column<Guid>(type: "uuid", nullable: false),
                    From = table.Column<int>(type: "integer", nullable: false),
                    To = table.Column<int>(type: "integer", nullable: false),
                    ProposedById = table.Column<Guid>(type: "uuid", nullable: false),
                    ProposedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DecidedById = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApprovalRuleChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApprovalRuleChanges_AspNetUsers_DecidedById",
                        column: x => x.DecidedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ApprovalRuleChanges_AspNetUsers_ProposedById",
                        column: x => x.ProposedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ApprovalRuleChanges_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HostChanges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    HostId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StateReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ProposedOrder = table.Column<string>(type: "jsonb", nullable: false),
                    FieldChanges = table.Column<string>(type: "jsonb", nullable: false),
                    RequestedById = table.Column<Guid>(type: "uuid", nullable: true),
                    RequestedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConfirmedById = table.Column<Guid>(type: "uuid", nullable: true),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ScheduledCheckId = table.Column<Guid>(type: "uuid", nullable: true),
                    NextCheckAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HostChanges_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HostEnvironments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    HostId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Branch = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StateReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ResourceName = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    InfrastructureStackName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    InfrastructureStackId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    SoftwareStackName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    SoftwareStackId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    PipelineName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RequiresApproval = table.Column<bool>(type: "boolean", nullable: false),
                    ListenerPriority = table.Column<int>(type: "integer", nullable: true),
                    ListenerArn = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    ReleaseDeployed = table.Column<bool>(type: "boolean", nullable: false),
                    LiveColour = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ReleaseRolloutDue = table.Column<bool>(type: "boolean", nullable: false),
                    Recovery = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    RecoveryResources = table.Column<List<string>>(type: "text[]", nullable: false),
                    Outputs = table.Column<string>(type: "jsonb", nullable: false),
                    Operation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AttemptId = table.Column<Guid>(type: "uuid", nullable: true),
                    OperationStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    NextCheckAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ScheduledCheckId = table.Column<Guid>(type: "uuid", nullable: true),
                    InfrastructureTemplateHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SoftwareTemplateHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AmiId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    InfrastructureCommitId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AmiTemplateHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    BakeRequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BakeReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    BakeCommitId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    BakeExecutionId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    BakeStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BakeStatus = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AmiRolloutDue = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostEnvironments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HostEnvironments_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PushDeliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DeliveryId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    HostId = table.Column<Guid>(type: "uuid", nullable: true),
                    Environment = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Event = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, defaultValue: "Push Hook"),
                    Ref = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Before = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    After = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CommittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CommitAuthors = table.Column<string>(type: "jsonb", nullable: false),
                    UserId = table.Column<long>(type: "bigint", nullable: true),
                    UserUsername = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    UserEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: true),
                    ReleaseId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IgnoredBecause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    StatusReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PushDeliveries_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HostChangeStacks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HostChangeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Environment = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Layer = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StackName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ChangeSetName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ChangeSetId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    TemplateHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StatusReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Changes = table.Column<string>(type: "jsonb", nullable: false),
                    ExecutedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostChangeStacks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HostChangeStacks_HostChanges_HostChangeId",
                        column: x => x.HostChangeId,
                        principalTable: "HostChanges",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ListenerPriorityAllocations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ListenerArn = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    HostEnvironmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    AllocatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ListenerPriorityAllocations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ListenerPriorityAllocations_HostEnvironments_HostEnvironmen~",
                        column: x => x.HostEnvironmentId,
                        principalTable: "HostEnvironments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StackEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HostEnvironmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    EventId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    StackName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LogicalResourceId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ResourceStatus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceStatusReason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StackEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StackEvents_HostEnvironments_HostEnvironmentId",
                        column: x => x.HostEnvironmentId,
                        principalTable: "HostEnvironments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Releases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    HostEnvironmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    PushDeliveryId = table.Column<Guid>(type: "uuid", nullable: true),
                    CommitId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Branch = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    AuthorUserId = table.Column<long>(type: "bigint", nullable: true),
                    AuthorUsername = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    AuthorEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Message = table.Column<string>(type: "text", nullable: true),
                    PushedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClientRequestToken = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    PipelineExecutionId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    StartAttempts = table.Column<int>(type: "integer", nullable: false),
                    NextStartAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StateReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    SourceKey = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    SourceVersionId = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    StatusReportDue = table.Column<bool>(type: "boolean", nullable: false),
                    ReportedStatus = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    PendingApprovalStage = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    PendingApprovalAction = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    PendingApprovalToken = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    WaitingSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RequiredApprovals = table.Column<int>(type: "integer", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Releases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Releases_HostEnvironments_HostEnvironmentId",
                        column: x => x.HostEnvironmentId,
                        principalTable: "HostEnvironments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Releases_PushDeliveries_PushDeliveryId",
                        column: x => x.PushDeliveryId,
                        principalTable: "PushDeliveries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "ApprovalDecisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReleaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    OperatorId = table.Column<Guid>(type: "uuid", nullable: false),
                    ApprovalTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentToAws = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApprovalDecisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApprovalDecisions_AspNetUsers_OperatorId",
                        column: x => x.OperatorId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ApprovalDecisions_Releases_ReleaseId",
                        column: x => x.ReleaseId,
                        principalTable: "Releases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReleaseStages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ReleaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Summary = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReleaseStages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReleaseStages_Releases_ReleaseId",
                        column: x => x.ReleaseId,
                        principalTable: "Releases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiTokens_Hash",
                table: "ApiTokens",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApiTokens_UserId",
                table: "ApiTokens",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalDecisions_OperatorId",
                table: "ApprovalDecisions",
                column: "OperatorId");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalDecisions_ReleaseId_ApprovalTokenHash_OperatorId",
                table: "ApprovalDecisions",
                columns: new[] { "ReleaseId", "ApprovalTokenHash", "OperatorId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalRuleChanges_DecidedById",
                table: "ApprovalRuleChanges",
                column: "DecidedById");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalRuleChanges_Open",
                table: "ApprovalRuleChanges",
                column: "HostId",
                unique: true,
                filter: "\"State\" = 'Proposed'");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalRuleChanges_ProposedById",
                table: "ApprovalRuleChanges",
                column: "ProposedById");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_CustomerId",
                table: "AspNetUsers",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_At",
                table: "AuditEntries",
                columns: new[] { "Action", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_CustomerId_At",
                table: "AuditEntries",
                columns: new[] { "CustomerId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_HostId_At",
                table: "AuditEntries",
                columns: new[] { "HostId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Customers_Slug",
                table: "Customers",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_GitLabIdentities_GitLabUserId",
                table: "GitLabIdentities",
                column: "GitLabUserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HostChanges_HostId_RequestedAt",
                table: "HostChanges",
                columns: new[] { "HostId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_HostChanges_NextCheckAt",
                table: "HostChanges",
                column: "NextCheckAt",
                filter: "\"NextCheckAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HostChangeStacks_HostChangeId_Environment_Layer",
                table: "HostChangeStacks",
                columns: new[] { "HostChangeId", "Environment", "Layer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_Bakes",
                table: "HostEnvironments",
                column: "BakeRequestedAt",
                filter: "\"BakeRequestedAt\" IS NOT NULL OR \"BakeExecutionId\" IS NOT NULL OR \"AmiRolloutDue\" OR \"ReleaseRolloutDue\"");

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_HostId_Kind",
                table: "HostEnvironments",
                columns: new[] { "HostId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_InfrastructureStackName",
                table: "HostEnvironments",
                column: "InfrastructureStackName",
                unique: true,
                filter: "\"InfrastructureStackName\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_NextCheckAt",
                table: "HostEnvironments",
                column: "NextCheckAt",
                filter: "\"NextCheckAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_PipelineName",
                table: "HostEnvironments",
                column: "PipelineName",
                unique: true,
                filter: "\"PipelineName\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_ResourceName",
                table: "HostEnvironments",
                column: "ResourceName",
                unique: true,
                filter: "\"ResourceName\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_SoftwareStackName",
                table: "HostEnvironments",
                column: "SoftwareStackName",
                unique: true,
                filter: "\"SoftwareStackName\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_State",
                table: "HostEnvironments",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_CustomDomain_Live",
                table: "Hosts",
                column: "CustomDomain",
                unique: true,
                filter: "\"CustomDomain\" IS NOT NULL AND \"State\" <> 'Decommissioned'");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_CustomerId_Name",
                table: "Hosts",
                columns: new[] { "CustomerId", "Name" },
                unique: true,
                filter: "\"State\" <> 'Decommissioned'");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_GitLabHookDue",
                table: "Hosts",
                column: "GitLabHookNextAttemptAt",
                filter: "\"GitLabHookDue\"");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_GitLabProjectId_Live",
                table: "Hosts",
                column: "GitLabProjectId",
                unique: true,
                filter: "\"GitLabProjectId\" IS NOT NULL AND \"State\" <> 'Decommissioned'");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_GitLabProjectPath",
                table: "Hosts",
                column: "GitLabProjectPath");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_ResourceKey",
                table: "Hosts",
                column: "ResourceKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_State",
                table: "Hosts",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_WebhookTokenHash",
                table: "Hosts",
                column: "WebhookTokenHash");

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_CustomerId_CreatedAt",
                table: "Invitations",
                columns: new[] { "CustomerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_TokenHash",
                table: "Invitations",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ListenerPriorityAllocations_HostEnvironmentId",
                table: "ListenerPriorityAllocations",
                column: "HostEnvironmentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ListenerPriorityAllocations_ListenerArn_Priority",
                table: "ListenerPriorityAllocations",
                columns: new[] { "ListenerArn", "Priority" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutgoingMails_Key",
                table: "OutgoingMails",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutgoingMails_Queued",
                table: "OutgoingMails",
                column: "NextAttemptAt",
                filter: "\"SentAt\" IS NULL AND \"AbandonedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PasswordResets_TokenHash",
                table: "PasswordResets",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PasswordResets_UserId",
                table: "PasswordResets",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_Accepted",
                table: "PushDeliveries",
                column: "ReceivedAt",
                filter: "\"Status\" = 'Accepted'");

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_Held",
                table: "PushDeliveries",
                column: "ReceivedAt",
                filter: "\"Status\" = 'Held'");

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_HostId_DeliveryId",
                table: "PushDeliveries",
                columns: new[] { "HostId", "DeliveryId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_HostLog",
                table: "PushDeliveries",
                columns: new[] { "HostId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_ReleasedByBefore",
                table: "PushDeliveries",
                columns: new[] { "HostId", "Before" },
                filter: "\"Status\" IN ('Queued', 'Started')");

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_ReleasedByTime",
                table: "PushDeliveries",
                columns: new[] { "HostId", "Environment", "CommittedAt" },
                filter: "\"Status\" IN ('Queued', 'Started')");

            migrationBuilder.CreateIndex(
                name: "IX_RecoveryCodes_UserId_CodeHash",
                table: "RecoveryCodes",
                columns: new[] { "UserId", "CodeHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Releases_ClientRequestToken",
                table: "Releases",
                column: "ClientRequestToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Releases_HostEnvironmentId_CreatedAt",
                table: "Releases",
                columns: new[] { "HostEnvironmentId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Releases_PipelineExecutionId",
                table: "Releases",
                column: "PipelineExecutionId",
                filter: "\"PipelineExecutionId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Releases_PushDeliveryId",
                table: "Releases",
                column: "PushDeliveryId");

            migrationBuilder.CreateIndex(
                name: "IX_Releases_State",
                table: "Releases",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_Releases_StatusReportDue",
                table: "Releases",
                column: "UpdatedAt",
                filter: "\"StatusReportDue\"");

            migrationBuilder.CreateIndex(
                name: "IX_ReleaseStages_ReleaseId_Name",
                table: "ReleaseStages",
                columns: new[] { "ReleaseId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StackEvents_EventId",
                table: "StackEvents",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StackEvents_HostEnvironmentId_Timestamp",
                table: "StackEvents",
                columns: new[] { "HostEnvironmentId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_UserSessions_UserId_EndedAt",
                table: "UserSessions",
                columns: new[] { "UserId", "EndedAt" });

            migrationBuilder.Sql(RoutingNotify.Create);
            migrationBuilder.Sql(LiveNotify.Create);
            migrationBuilder.Sql(Mail.MailNotify.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Mail.MailNotify.Drop);
            migrationBuilder.Sql(LiveNotify.Drop);
            migrationBuilder.Sql(RoutingNotify.Drop);

            migrationBuilder.DropTable(
                name: "ApiTokens");

            migrationBuilder.DropTable(
                name: "ApprovalDecisions");

            migrationBuilder.DropTable(
                name: "ApprovalRuleChanges");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "GitLabIdentities");

            migrationBuilder.DropTable(
                name: "HostChangeStacks");

            migrationBuilder.DropTable(
                name: "Invitations");

            migrationBuilder.DropTable(
                name: "ListenerPriorityAllocations");

            migrationBuilder.DropTable(
                name: "MailPreferences");

            migrationBuilder.DropTable(
                name: "OutgoingMails");

            migrationBuilder.DropTable(
                name: "PasswordResets");

            migrationBuilder.DropTable(
                name: "RecoveryCodes");

            migrationBuilder.DropTable(
                name: "ReleaseStages");

            migrationBuilder.DropTable(
                name: "SignInThrottles");

            migrationBuilder.DropTable(
                name: "StackEvents");

            migrationBuilder.DropTable(
                name: "UserAuthenticators");

            migrationBuilder.DropTable(
                name: "UserSessions");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "HostChanges");

            migrationBuilder.DropTable(
                name: "Releases");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "HostEnvironments");

            migrationBuilder.DropTable(
                name: "PushDeliveries");

            migrationBuilder.DropTable(
                name: "Hosts");

            migrationBuilder.DropTable(
                name: "Customers");
        }
    }
}
