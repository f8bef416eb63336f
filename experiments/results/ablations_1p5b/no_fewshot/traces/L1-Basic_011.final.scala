import chisel3._
import chisel3.util._

class RegHundred extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })

  val r = RegInit(UInt(8.W)()) // Initialize to 0
  val en = RegInit(true.U) // Always true

  io.out := r

  // Enable the register update
  en.en := true.U
}
