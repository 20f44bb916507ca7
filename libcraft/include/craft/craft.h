/* libcraft: build, dissect and describe packets from protocol definitions. The one header users include. */
#pragma once

#include <craft/export.h>
#include <craft/error.h>
#include <craft/registry.h>
#include <craft/packet.h>
#include <craft/capture.h>
#include <craft/json.h>
#include <craft/net.h>
#include <craft/extract.h>
