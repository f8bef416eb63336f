import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val areset = IO(Input(Bool()))
    val bump_left = Input(Bool())
    val bump_right = Input(Bool())
    val ground = Input(Bool())
    val dig = Input(Bool())
    val walk_left = Output(Bool())
    val walk_right = Output(Bool())
    val aaah = Output(Bool())
    val digging = Output(Bool())
  })
  val state = RegInit(0.U(2.W)) // 0: walking left, 1: walking right
  val walking = RegInit(false.B)
  val falling = RegInit(false.B)
  val splattered = RegInit(false.B)

  // State transitions
  when(state === 0.U) {
    when(io.bump_left || io.bump_right) { state := 1.U }
    when(io.ground && !falling) { state := 1.U }
  }
  when(state === 1.U) {
    when(io.bump_left) { state := 0.U }
    when(io.bump_right) { state := 0.U }
    when(io.ground && !falling) { state := 0.U }
  }

  // Walking direction
  when(walking) {
    io.walk_left := true.B
    io.walk_right := false.B
  }
  when(!walking) {
    io.walk_left := false.B
    io.walk_right := true.B
  }

  // Falling and digging
  when(falling) {
    io.aaah := true.B
    io.digging := false.B
  }
  when(io.digging) {
    io.aaah := false.B
    io.digging := true.B
  }

  // Splattering
  when(falling && state === 0.U && !splattered) {
    splattered := true.B
    io.aaah := true.B
    io.digging := true.B
  }
  when(splattered) {
    io.aaah := true.B
    io.digging := true.B
  }
}
