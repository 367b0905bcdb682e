# Every aws_cloudwatch_event_* resource of the AWS provider 5.100.0, against eventbridge-local.
# test/e2e/terraform.test.ts applies it with generation = 1, then 2 (an in-place update of each
# resource), checks `plan -detailed-exitcode` finds no drift after each apply, and destroys it.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" {
  description = "The emulator's URL."
  type        = string
}

variable "sink_url" {
  description = "A local HTTP server standing in for the API and the OAuth token endpoint."
  type        = string
}

variable "generation" {
  description = "1 for the first apply, 2 for the in-place update of every resource."
  type        = number
}

locals {
  g       = var.generation
  account = "123456789012"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = local.account
  secret_key                  = "test-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # The provider's key for EventBridge is `events` (`eventbridge` and `cloudwatchevents` are aliases).
  endpoints {
    events = var.endpoint
  }
}

# The secondary Region of the global endpoint. No endpoints block: this provider finds the emulator
# through AWS_ENDPOINT_URL_EVENTBRIDGE, which the test sets, as a user's shell would.
provider "aws" {
  alias                       = "secondary"
  region                      = "us-west-2"
  access_key                  = local.account
  secret_key                  = "test-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

resource "aws_cloudwatch_event_bus" "orders" {
  name        = "tf-orders"
  description = "orders, generation ${local.g}"
  dead_letter_config {
    arn = "arn:aws:sqs:us-east-1:${local.account}:tf-bus-dlq-${local.g}"
  }
  tags = {
    team       = "checkout"
    generation = tostring(local.g)
  }
}

resource "aws_cloudwatch_event_rule" "pattern" {
  name           = "tf-order-placed"
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  description    = "order placed, generation ${local.g}"
  event_pattern = jsonencode({
    source        = ["tf.shop"]
    "detail-type" = local.g == 1 ? ["Order Placed"] : ["Order Placed", "Order Updated"]
    detail = {
      total = [{ numeric = [">", local.g * 10] }]
    }
  })
  state = local.g == 1 ? "ENABLED" : "DISABLED"
  tags = {
    generation = tostring(local.g)
  }
}

# Scheduled rules live on the default bus.
resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "tf-nightly"
  description         = "nightly, generation ${local.g}"
  schedule_expression = local.g == 1 ? "rate(5 minutes)" : "cron(0 3 * * ? *)"
  role_arn            = "arn:aws:iam::${local.account}:role/tf-scheduler-${local.g}"
}

resource "aws_cloudwatch_event_target" "queue" {
  rule           = aws_cloudwatch_event_rule.pattern.name
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  target_id      = "orders-queue"
  arn            = "arn:aws:sqs:us-east-1:${local.account}:tf-orders"
  input_transformer {
    input_paths = {
      order = "$.detail.orderId"
      total = "$.detail.total"
    }
    input_template = local.g == 1 ? "{\"order\": <order>, \"total\": <total>}" : "{\"order\": <order>, \"total\": <total>, \"generation\": 2}"
  }
  retry_policy {
    maximum_event_age_in_seconds = local.g == 1 ? 3600 : 7200
    maximum_retry_attempts       = local.g == 1 ? 10 : 3
  }
  dead_letter_config {
    arn = "arn:aws:sqs:us-east-1:${local.account}:tf-target-dlq-${local.g}"
  }
}

resource "aws_cloudwatch_event_target" "schedule" {
  rule      = aws_cloudwatch_event_rule.schedule.name
  target_id = "nightly-api"
  arn       = aws_cloudwatch_event_api_destination.webhook.arn
  role_arn  = "arn:aws:iam::${local.account}:role/tf-invoke-${local.g}"
  input     = jsonencode({ job = "nightly", generation = local.g })
  http_target {
    header_parameters       = { "X-Generation" = tostring(local.g) }
    query_string_parameters = { run = "nightly" }
  }
}

resource "aws_cloudwatch_event_connection" "api_key" {
  name               = "tf-api-key"
  description        = "api key, generation ${local.g}"
  authorization_type = "API_KEY"
  kms_key_identifier = "arn:aws:kms:us-east-1:${local.account}:key/1234abcd-12ab-34cd-56ef-1234567890c${local.g}"
  auth_parameters {
    api_key {
      key   = "x-api-key"
      value = "secret-${local.g}"
    }
  }
}

resource "aws_cloudwatch_event_connection" "basic" {
  name               = "tf-basic"
  description        = "basic, generation ${local.g}"
  authorization_type = "BASIC"
  auth_parameters {
    basic {
      username = "user-${local.g}"
      password = "password-${local.g}"
    }
    invocation_http_parameters {
      header {
        key             = "X-Tenant"
        value           = "tenant-${local.g}"
        is_value_secret = false
      }
      query_string {
        key             = "token"
        value           = "q-${local.g}"
        is_value_secret = true
      }
    }
  }
}

resource "aws_cloudwatch_event_connection" "oauth" {
  name               = "tf-oauth"
  description        = "oauth, generation ${local.g}"
  authorization_type = "OAUTH_CLIENT_CREDENTIALS"
  auth_parameters {
    oauth {
      authorization_endpoint = "${var.sink_url}/oauth/token"
      http_method            = "POST"
      client_parameters {
        client_id     = "client-${local.g}"
        client_secret = "client-secret-${local.g}"
      }
      oauth_http_parameters {
        body {
          key             = "scope"
          value           = "orders:${local.g}"
          is_value_secret = false
        }
        header {
          key             = "X-Audience"
          value           = "aud-${local.g}"
          is_value_secret = true
        }
      }
    }
  }
}

resource "aws_cloudwatch_event_api_destination" "webhook" {
  name                             = "tf-webhook"
  description                      = "webhook, generation ${local.g}"
  connection_arn                   = aws_cloudwatch_event_connection.api_key.arn
  invocation_endpoint              = "${var.sink_url}/hooks/${local.g}"
  http_method                      = local.g == 1 ? "POST" : "PUT"
  invocation_rate_limit_per_second = local.g == 1 ? 20 : 5
}

resource "aws_cloudwatch_event_archive" "orders" {
  name             = "tf-orders-archive"
  event_source_arn = aws_cloudwatch_event_bus.orders.arn
  description      = "archive, generation ${local.g}"
  retention_days   = local.g == 1 ? 7 : 30
  event_pattern = jsonencode({
    source = local.g == 1 ? ["tf.shop"] : ["tf.shop", "tf.warehouse"]
  })
}

resource "aws_cloudwatch_event_permission" "partner" {
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  statement_id   = "tf-partner"
  principal      = local.g == 1 ? "111122223333" : "444455556666"
  action         = "events:PutEvents"
}

resource "aws_cloudwatch_event_bus" "shared" {
  name = "tf-shared"
}

resource "aws_cloudwatch_event_bus_policy" "shared" {
  event_bus_name = aws_cloudwatch_event_bus.shared.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "tf-shared-${local.g}"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${local.g == 1 ? "111122223333" : "444455556666"}:root" }
      Action    = "events:PutEvents"
      Resource  = aws_cloudwatch_event_bus.shared.arn
    }]
  })
}

# A global endpoint needs a bus of the same name in two Regions.
resource "aws_cloudwatch_event_bus" "global_primary" {
  name = "tf-global"
}

resource "aws_cloudwatch_event_bus" "global_secondary" {
  provider = aws.secondary
  name     = "tf-global"
}

resource "aws_cloudwatch_event_endpoint" "global" {
  name        = "tf-global-endpoint"
  description = "global endpoint, generation ${local.g}"
  role_arn    = "arn:aws:iam::${local.account}:role/tf-replication-${local.g}"
  event_bus {
    event_bus_arn = aws_cloudwatch_event_bus.global_primary.arn
  }
  event_bus {
    event_bus_arn = aws_cloudwatch_event_bus.global_secondary.arn
  }
  replication_config {
    state = local.g == 1 ? "ENABLED" : "DISABLED"
  }
  routing_config {
    failover_config {
      primary {
        # Route 53 is not emulated: any well-formed health check ARN is taken as healthy.
        health_check = "arn:aws:route53:::healthcheck/tf-primary-${local.g}"
      }
      secondary {
        route = "us-west-2"
      }
    }
  }
}

output "connection_arns" {
  value = [
    aws_cloudwatch_event_connection.api_key.arn,
    aws_cloudwatch_event_connection.basic.arn,
    aws_cloudwatch_event_connection.oauth.arn,
  ]
}
