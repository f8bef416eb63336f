import chisel3._
import chisel3.util._

class ValidReg8bit extends Module {
  val io = IO(new Bundle {
    val in = Valid(UInt(8.W))
    val out = Output(UInt(8.W))
  })

  val reg = RegInit(UInt(8.W), 0.U)

  when (io.in.valid) {
    reg := io.in.bits
    io.out := reg
  }
}
