import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val bump_left = Input(Bool())
    val bump_right = Input(Bool())
    val ground = Input(Bool())
    val walk_left = Output(Bool())
    val walk_right = Output(Bool())
    val aaah = Output(Bool())
  })
  val walk_left = RegInit(false.B)
  val walk_right = RegInit(false.B)
  val aaah = RegInit(false.B)
  val state = RegInit(0.U(2.W))
  switch(state) {
    is(0)  { when(io.bump_left) { state := 1 } }
    is(1)  { when(io.bump_right) { state := 2 } }
    is(2)  { when(io.bump_left || io.bump_right) { state := 0 } }
    is(3)  { when(io.bump_right) { state := 0 } }
  }
  io.walk_left := state === 0
  io.walk_right := state === 1
  io.aaah := state === 2
}
