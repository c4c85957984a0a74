// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// StillReferencedError says the server kept an image that was asked to go: other objects
// on the server still refer to it. The image is left exactly as it was.
type StillReferencedError struct {
	PK     int64
	Detail string
}

func (e *StillReferencedError) Error() string {
	return fmt.Sprintf("docker image %d is still referenced and was kept: %s", e.PK, e.Detail)
}

// keptDetail is what StillReferencedError says when the server gave no reason of its own.
const keptDetail = "the server answered the delete with success but still holds the image"

// DestroyImage deletes image pk and proves it is gone by reading it back: servers that
// refuse a delete may still answer 204 and keep the row. tasks are the image's job
// contracts as last read; they are restored if clearing them was tried and did not help.
//
// The real UFDL backend refuses to delete an image that has tasks (it counts its own task
// links as references) but answers 204. The first destroy of an image with tasks in a Client
// finds out which kind of server this is: it deletes, reads back, and when the image is
// still there with its tasks, clears them, deletes again and reads back; if the image still
// survives, it puts the tasks back and returns *StillReferencedError. The other destroys wait
// for that answer instead of each sending a DELETE the server would ignore, and then clear
// tasks first only on a server that needs it.
//
// When ctx ends halfway (Terraform interrupted), what was started is finished or undone with
// a short context of its own, and the error says what the server holds: the image deleted
// (nil), or kept with its tasks.
func (c *Client) DestroyImage(ctx context.Context, pk int64, tasks []string) error {
	if err := checkPK(pk); err != nil {
		return err
	}
	if len(tasks) > 0 && !c.destroyLearned.Load() {
		c.destroyProbe.Lock()
		if !c.destroyLearned.Load() {
			defer c.destroyProbe.Unlock()
			d := c.newDestroy(pk)
			defer d.release()
			return d.probe(ctx)
		}
		c.destroyProbe.Unlock()
	}
	d := c.newDestroy(pk)
	defer d.release()
	if c.clearTasksFirst.Load() && len(tasks) > 0 {
		return d.withoutTasks(ctx, tasks)
	}
	return d.probe(ctx)
}

// destroy is one DestroyImage under way.
type destroy struct {
	c  *Client
	pk int64
	// readBack reads the image after a DELETE; announced in advance (holdRead), so that the
	// read-backs of a wave of destroys share a list.
	readBack func(context.Context, int64) (*Image, error)
	release  func()
}

func (c *Client) newDestroy(pk int64) *destroy {
	read, release := c.holdRead()
	return &destroy{c: c, pk: pk, readBack: read, release: release}
}

// probe deletes the image, reads it back, and, when it survived with its tasks, retries
// without them; what it sees tells the Client whether its server keeps images with tasks.
func (d *destroy) probe(ctx context.Context) error {
	img, err := d.deleteAndCheck(ctx)
	if err != nil {
		return err
	}
	c := d.c
	if img == nil {
		if !c.destroyLearned.Load() {
			c.destroyLearned.Store(true) // deleted with its tasks: no clearing needed
		}
		return nil
	}
	if len(img.Tasks) == 0 {
		return &StillReferencedError{PK: d.pk, Detail: keptDetail}
	}
	return d.withoutTasks(ctx, img.Tasks)
}

// withoutTasks clears the tasks of the image, deletes it and reads back; when the image
// survives, it restores tasks and reports why.
func (d *destroy) withoutTasks(ctx context.Context, tasks []string) error {
	c := d.c
	if _, err := c.PatchImage(ctx, d.pk, ImageSpec{Tasks: []string{}}, []string{FieldTasks}); err != nil {
		switch {
		case IsNotFound(err):
			return nil
		case outcomeUnknown(err, imagePath(d.pk)):
			// Cleared, perhaps (Ctrl-C while the answer was on its way): put them back.
			return d.restoreTasks(ctx, tasks, err)
		}
		return err // not cleared: nothing changed
	}
	kept, err := d.deleteAndCheck(ctx)
	if err == nil && kept == nil {
		c.clearTasksFirst.Store(true)
		c.destroyLearned.Store(true)
		return nil
	}
	return d.restoreTasks(ctx, tasks, errOr(err, &StillReferencedError{PK: d.pk, Detail: keptDetail + ", also with its tasks cleared"}))
}

// restoreTasks puts the tasks of an image that was kept, or may have been, back after
// clearing them, and returns cause, the reason it was kept, saying so.
func (d *destroy) restoreTasks(ctx context.Context, tasks []string, cause error) error {
	c := d.c
	// NOTE: the tasks go back even when ctx has ended (Ctrl-C after the clearing): with a
	// context of its own, or the image would be left without them.
	rctx, cancel := c.settleContext(ctx)
	defer cancel()
	if _, rerr := c.PatchImage(rctx, d.pk, ImageSpec{Tasks: slices.Clone(tasks)}, []string{FieldTasks}); rerr != nil {
		if IsNotFound(rerr) {
			return nil // the DELETE took effect after all
		}
		return fmt.Errorf("docker image %d was kept, without its tasks %q: putting them back failed (%v); set them again, e.g. with terraform apply: %w",
			d.pk, tasks, rerr, cause)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted before docker image %d was deleted: it was kept, with its tasks %q put back: %w", d.pk, tasks, cause)
	}
	return cause
}

// deleteAndCheck sends DELETE and reads the image back. kept is the image as read back, or
// nil when it no longer exists. A 400 refusal becomes *StillReferencedError with the
// server's reason. When ctx ends after the DELETE may have been sent, or the DELETE's
// outcome is otherwise unknown, the image is read back with a context of its own, so that the
// answer says what the server holds.
func (d *destroy) deleteAndCheck(ctx context.Context) (kept *Image, err error) {
	c := d.c
	err = c.DeleteImage(ctx, d.pk)
	var ae *APIError
	switch {
	case IsNotFound(err):
		return nil, nil
	case errors.As(err, &ae) && ae.Status == http.StatusBadRequest:
		return nil, &StillReferencedError{PK: d.pk, Detail: ae.Message()}
	case err != nil && !outcomeUnknown(err, imagePath(d.pk)):
		return nil, err
	}
	deleteErr := err
	kept, err = d.readBack(ctx, d.pk)
	if err != nil && !IsNotFound(err) && ctx.Err() != nil {
		rctx, cancel := c.settleContext(ctx)
		kept, err = c.GetImage(rctx, d.pk)
		cancel()
	}
	switch {
	case IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, errOr(deleteErr, err)
	case deleteErr != nil:
		return nil, deleteErr // the DELETE failed, and the image is there
	}
	return kept, nil
}

// settleContext is a context for finishing or undoing what ctx started after ctx ended:
// not cancelled with it, and short.
func (c *Client) settleContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), min(c.cfg.RequestTimeout, 10*time.Second))
}

func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
