import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val bump_left = Input(Bool())
    val bump_right = Input(Bool())
    val walk_left = Output(Bool())
    val walk_right = Output(Bool())
  })
  val state = RegInit(0.U(1.W)) // reset is the implicit reset: the harness inverts it
  val bump = RegInit(0.U(1.W)) // reset is the implicit reset: the harness inverts it
  val walk = RegInit(0.U(1.W)) // reset is the implicit reset: the harness inverts it
  when(state === 0.U) {
    when(io.bump_left) { bump := 1.U }
    when(io.bump_right) { bump := 1.U }
    when(bump === 1.U) {
      when(io.walk_left) { walk := 1.U }
      when(io.walk_right) { walk := 1.U }
    }
  }
  when(state === 1.U) {
    when(io.bump_left) { bump := 0.U }
    when(io.bump_right) { bump := 0.U }
    when(bump === 0.U) {
      when(io.walk_left) { walk := 0.U }
      when(io.walk_right) { walk := 0.U }
    }
  }
  io.walk_left := walk
  io.walk_right := walk
}
