import chisel3._
import chisel3.util._

class ValidReg8bit extends Module {
  val io = IO(new Bundle {
    val in    = Valid(UInt(8.W))
    val count = Output(UInt(8.W))
  })

  val prev  = RegNext(io.in.bits, false.B)
  val count = RegInit(0.U(8.W))
  when(io.in.valid && !prev) { count := count + 1.U }
  io.count := count
}
