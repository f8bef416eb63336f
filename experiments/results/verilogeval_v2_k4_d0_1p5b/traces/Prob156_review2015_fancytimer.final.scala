import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val data  = Input(UInt(4.W))
    val count = Output(UInt(4.W))
    val counting = Output(Bool())
    val done = Output(Bool())
    val ack = Input(Bool())
  })
  val count = RegInit(0.U(4.W))
  val counting = RegInit(false.B)
  val done = RegInit(false.B)
  val state = RegInit(0.U(2.W))
  val moving = RegInit(false.B)

  // State machine logic
  when(counting) {
    count := count + 1.U
    when(count === io.data) { counting := false }
  }

  when(io.data === 0.U) {
    counting := false
  }

  when(state === 0.U) {
    when(io.openReq) { state := 1.U }
  }

  when(state === 1.U) {
    when(io.done) { state := 2.U }
  }

  when(state === 2.U) {
    when(io.closeReq) { state := 3.U }
  }

  when(state === 3.U) {
    when(io.done) { state := 0.U }
  }

  when(io.ack) {
    done := true
  }

  io.count := count.asUInt
  io.counting := counting
  io.done := done
  io.moving := moving
}
