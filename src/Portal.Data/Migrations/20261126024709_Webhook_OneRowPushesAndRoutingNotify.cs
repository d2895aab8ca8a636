using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <summary>
    /// A push is one row: the delivery names its environment by kind (no foreign key), carries its release's id and
    /// message, and is the release's queue entry (status Accepted until a starter makes the release). Routing changes
    /// are notified (<see cref="RoutingNotify"/>); the execution-id index leaves out releases not yet started.
    /// </summary>
    public partial class Webhook_OneRowPushesAndRoutingNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Environment",
                table: "PushDeliveries",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "PushDeliveries",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReleaseId",
                table: "PushDeliveries",
                type: "uuid",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE "PushDeliveries" d SET "Environment" = e."Kind"
                FROM "HostEnvironments" e WHERE e."Id" = d."HostEnvironmentId"
                """);

            // Deliveries recorded before this migration already have their release: they are queued.
            migrationBuilder.Sql("""
                UPDATE "PushDeliveries" d SET "ReleaseId" = r."Id", "Message" = r."Message",
                    "Status" = CASE WHEN d."Status" = 'Accepted' THEN 'Queued' ELSE d."Status" END
                FROM "Releases" r WHERE r."PushDeliveryId" = d."Id"
                """);

            migrationBuilder.DropForeignKey(
                name: "FK_PushDeliveries_HostEnvironments_HostEnvironmentId",
                table: "PushDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_PushDeliveries_HostEnvironmentId",
                table: "PushDeliveries");

            migrationBuilder.DropColumn(
                name: "HostEnvironmentId",
                table: "PushDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_Accepted",
                table: "PushDeliveries",
                column: "ReceivedAt",
                filter: "\"Status\" = 'Accepted'");

            migrationBuilder.DropIndex(
                name: "IX_Releases_PipelineExecutionId",
                table: "Releases");

            migrationBuilder.CreateIndex(
                name: "IX_Releases_PipelineExecutionId",
                table: "Releases",
                column: "PipelineExecutionId",
                filter: "\"PipelineExecutionId\" IS NOT NULL");

            migrationBuilder.Sql(RoutingNotify.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(RoutingNotify.Drop);

            migrationBuilder.DropIndex(
                name: "IX_Releases_PipelineExecutionId",
                table: "Releases");

            migrationBuilder.CreateIndex(
                name: "IX_Releases_PipelineExecutionId",
                table: "Releases",
                column: "PipelineExecutionId");

            migrationBuilder.DropIndex(
                name: "IX_PushDeliveries_Accepted",
                table: "PushDeliveries");

            // Accepted deliveries not yet queued have no release; before this migration every accepted delivery had one.
            migrationBuilder.Sql("""UPDATE "PushDeliveries" SET "Status" = 'Failed', "StatusReason" = 'Not released: the portal was downgraded.' WHERE "Status" = 'Accepted'""");
            migrationBuilder.Sql("""UPDATE "PushDeliveries" SET "Status" = 'Accepted' WHERE "Status" = 'Queued'""");

            migrationBuilder.AddColumn<Guid>(
                name: "HostEnvironmentId",
                table: "PushDeliveries",
                type: "uuid",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE "PushDeliveries" d SET "HostEnvironmentId" = e."Id"
                FROM "HostEnvironments" e WHERE e."HostId" = d."HostId" AND e."Kind" = d."Environment"
                """);

            migrationBuilder.DropColumn(
                name: "Environment",
                table: "PushDeliveries");

            migrationBuilder.DropColumn(
                name: "Message",
                table: "PushDeliveries");

            migrationBuilder.DropColumn(
                name: "ReleaseId",
                table: "PushDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_HostEnvironmentId",
                table: "PushDeliveries",
                column: "HostEnvironmentId");

            migrationBuilder.AddForeignKey(
                name: "FK_PushDeliveries_HostEnvironments_HostEnvironmentId",
                table: "PushDeliveries",
                column: "HostEnvironmentId",
                principalTable: "HostEnvironments",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }
    }
}
