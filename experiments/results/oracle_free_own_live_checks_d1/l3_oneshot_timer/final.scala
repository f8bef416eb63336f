import chisel3._
import chisel3.util._
import chisel3.experimental.{Enum, switch}

class OneShot extends Module {
  val io = IO(new Bundle {
    val start = Input(Bool())
    val duration = Input(UInt(4.W))
    val busy = Output(Bool())
    val done = Output(Bool())
    val remaining = Output(UInt(4.W))
  })
  val count = RegInit(0.U(4.W))
  val done = RegInit(false.B)
  when(io.start && !done) { count := count + 1.U }
  when(count > 0) { count := count - 1.U }
  when(io.start) { count := io.duration }
  when(count == 0) { done := true.B }
  io.busy := count != 0.U
  io.done := done
  io.remaining := count
}
