using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Webhook_LeanDeliveriesAndRoutingNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A delivery names the environment by kind (unique per host) instead of a foreign key: one key check fewer per push.
            migrationBuilder.AddColumn<string>(
                name: "Environment",
                table: "PushDeliveries",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE "PushDeliveries" d SET "Environment" = e."Kind"
                FROM "HostEnvironments" e WHERE e."Id" = d."HostEnvironmentId"
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
