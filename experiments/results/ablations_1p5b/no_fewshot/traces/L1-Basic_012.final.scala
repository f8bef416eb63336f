import chisel3._
import chisel3.util._

class RegAllOnes extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(16.W))
  })

  // 16-bit register initialized to 65535 at reset
  val reg = RegInit(UInt(16.W, 65535.U)) // RegInit(init: T: T) with reset value

  // Output the register value continuously on the rising edge
  io.out := reg.asUInt
}
