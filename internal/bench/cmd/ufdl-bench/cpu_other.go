// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

//go:build !unix

package main

import "time"

func childrenCPU() time.Duration { return -1 }
