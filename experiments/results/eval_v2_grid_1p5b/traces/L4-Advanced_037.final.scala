import chisel3._
import chisel3.util._

class ValidReg8bit extends Module {
  val io = IO(new Bundle {
    val in     = Valid(UInt(8.W))
    val out    = Output(UInt(8.W))
  })

  val count = RegInit(0.U(8.W))
  when(io.in.valid) { count := count + 1.U }
  io.out := count
}
